"""Use cases. Each public function is one transaction that writes its own audit record."""
