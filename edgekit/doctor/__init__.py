"""The technician's health checks: run (the list and its order), check (one finding), host (the box), cpu."""
