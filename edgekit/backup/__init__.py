"""Backups of a box (create) and putting one back (restore), all or nothing."""
