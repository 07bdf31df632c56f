"""The main window's controllers, one job each; the window itself only builds and wires.

Each controller is told which widgets it drives and what it shares with the others (a
`WindowContext`); none imports another's module except to call its public methods.
"""
