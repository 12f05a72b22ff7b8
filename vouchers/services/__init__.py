"""Every write that changes money or status goes through a function in this package."""
