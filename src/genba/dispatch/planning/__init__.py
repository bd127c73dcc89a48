"""The `genba plan` optimizer (rulebook §10): pure Python and OR-Tools, no Django.

instance.py reads and checks an instance and holds the travel rule; tables.py precomputes who can go
where; models.py and solver.py are the CP-SAT optimizer; greedy.py the baseline; checker.py judges a
plan independently; generate.py makes benchmark days.
"""
