"""Photos in: decoding a phone's picture safely (images) and classifying it with a vision model (classify)."""
