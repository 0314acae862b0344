"""The shared core of the services: the `@service`/`@query` decorator (one transaction + audit),
the calling `Actor`, the one permission table, the database session, finding a book by code."""
