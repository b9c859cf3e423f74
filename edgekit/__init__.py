"""edgekit: an offline AI appliance for places the big platforms ignore."""

__version__ = "0.1.0"
