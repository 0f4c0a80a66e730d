"""The catalogue of policy kinds, each with a worked example, loaded from YAML files."""

from policies.catalog.loader import KINDS_DIR, CatalogReport, KindSpec, load_catalog, read_specs

__all__ = ["KINDS_DIR", "CatalogReport", "KindSpec", "load_catalog", "read_specs"]
