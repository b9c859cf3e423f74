"""The server's own log: where its lines go (service) and reading them back for a technician (reader)."""
