"""Privacy rights over every package's data: subject access export, erasure and retention."""
