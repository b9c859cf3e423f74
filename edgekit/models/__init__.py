"""Models on the box: the catalog (what a model is and where it comes from), the store (pull, build, verify,
remove), checksums, and the recipes that build a model on the box."""
