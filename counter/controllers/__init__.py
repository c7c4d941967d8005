"""Wiring: controllers connect the views' signals to the services and run the calls on a worker thread."""
