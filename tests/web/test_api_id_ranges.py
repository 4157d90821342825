"""The id-range checks of tests/integration/test_id_ranges.py on the default database
(SQLite; on PostgreSQL in its pass)."""

import pytest

from tests.integration.test_id_ranges import (
    PATHS,
    QUERIES,
    path_ids_are_no_page,
    query_ids_name_the_field,
)


@pytest.mark.parametrize("family", sorted(PATHS))
def test_path_ids_out_of_range_are_404(app, family):
    path_ids_are_no_page(app, family)


@pytest.mark.parametrize("family", sorted(QUERIES))
def test_query_ids_out_of_range_are_400_naming_the_field(app, family):
    query_ids_name_the_field(app, family)
