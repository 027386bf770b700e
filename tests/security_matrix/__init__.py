"""The security matrix: every URL pattern and API route × every role × an object in and out of the role's scope.

`routes` enumerates what the project serves, `world` builds one set of objects of every kind in every scope,
`spec` says how each route's parameters are filled and who may use it, `check` runs one route for every role.
"""
