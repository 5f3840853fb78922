"""Changes → ordered statements with transaction boundaries, rendered through the dialect."""
