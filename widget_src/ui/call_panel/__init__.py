"""The floating call panel: current call, call controls, phonebook search and dialling."""
