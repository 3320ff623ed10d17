"""The local runtime: moto's server, the template's resources, the real handlers, a gateway.
Never deployed; functions/ and layers/ do not know it exists."""
