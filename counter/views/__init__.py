"""Counter screens: layout only. Controllers (counter.controllers) wire their signals to the services."""
