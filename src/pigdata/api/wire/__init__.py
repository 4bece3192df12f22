"""The API's wire models: the typed answers of routes whose services give plain values.

Where a service or the domain has a typed result (a dataclass), the route answers with it;
the models here describe the rest (rows of the projections, the breeding reports as the API
writes them, the trace with its proof bundle, GeoJSON), so that the OpenAPI document gives
every answer's schema and a client, or a fuzzer, can check an answer against it.
"""
