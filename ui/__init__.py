"""The PySide6 desktop GUI of OrderBook Desk; it talks to app.services only."""
