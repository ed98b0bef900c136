"""Sources: read, normalise and validate what users hand us."""
from .dataset import load_dataset

__all__ = ["load_dataset"]
