"""The OpenAPI 3.1 description of the JSON API, generated from the query library headers."""

from __future__ import annotations

from . import __version__
from .queries import LibraryQuery

SCHEMAS = {
    "place": {"type": "string", "pattern": "^(CN|[0-9]{6})$",
              "description": "GB/T 2260 division code"},
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
    "boolean": {"type": "boolean"},
}
RESULTS = {
    "200": {
        "description": "SPARQL 1.1 query results",
        "content": {
            "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/Results"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    "400": {"description": "bad parameter", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "no such query", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}},
    "406": {"description": "format not available"},
    "413": {"description": "result over the row cap"},
    "503": {"description": "query stopped at the time limit"},
}


def openapi_document(queries: dict[str, LibraryQuery], server_url: str) -> dict[str, object]:
    paths: dict[str, object] = {
        "/api/queries": {"get": {
            "operationId": "listQueries",
            "summary": "The query library",
            "responses": {"200": {"description": "queries with their parameters",
                                  "content": {"application/json": {"schema": {"type": "array",
                                              "items": {"type": "object"}}}}}},
        }},
    }
    for name, query in queries.items():
        parameters = [{
            "name": p.name, "in": "query", "required": p.required,
            "description": p.description or p.name,
            "schema": dict(SCHEMAS[p.type]) | ({"default": p.default} if p.default else {}),
        } for p in query.parameters]
        parameters.append({"name": "format", "in": "query", "required": False,
                           "schema": {"type": "string", "enum": ["json", "csv"]}})
        parameters.append({
            "name": "as-of", "in": "query", "required": False,
            "description": "answer on the dataset as in force on this date (validity time: "
                           "statuses from the standards' dates; nothing issued, adopted or "
                           "observed later)",
            "schema": {"type": "string", "format": "date"}})
        paths[f"/api/queries/{name}"] = {"get": {
            "operationId": f"query_{name.replace('-', '_')}",
            "summary": f"{query.title.get('zh', '')} / {query.title.get('en', '')}",
            "description": query.description.get("en", ""),
            "parameters": parameters,
            "responses": RESULTS,
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "bpss-kg query API", "version": __version__,
                 "description": "Library queries over the basic public service standardization "
                                "knowledge graph; parameters are bound as typed RDF terms."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {
            "Results": {"type": "object", "required": ["head"],
                        "properties": {"head": {"type": "object"},
                                       "results": {"type": "object"},
                                       "boolean": {"type": "boolean"}}},
            "Error": {"type": "object", "required": ["error", "message"],
                      "properties": {"error": {"type": "string"},
                                     "message": {"type": "string"},
                                     "where": {"type": "string"}}},
        }},
    }
