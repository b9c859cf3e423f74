"""Provisioning: from a site's configuration to a box that boots into edgekit, with its hotspot, local DNS,
mDNS name, sandboxed service, SD-card-friendly logs and USB pack import.

config.py checks what the technician gave; render.py turns it into files from the templates in provisioning/;
commit.py writes them all or none; run.py does the whole job, first admin account included.
"""
