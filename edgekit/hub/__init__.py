"""The district hub: the same package in hub mode, on PostgreSQL. Boxes enrol, send signed batches (HTTPS or USB),
and the hub keeps each record once, answers with what travels down, and shows the district's figures."""
