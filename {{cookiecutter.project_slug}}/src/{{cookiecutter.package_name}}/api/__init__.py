"""The HTTP API: an app factory, its dependencies, error handling and routes."""
