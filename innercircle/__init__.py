"""innercircle: find the voices who shape an industry by reading what it publishes.

The pure logic (fetching, parsing, extraction, resolution, ranking) lives in this
package as plain functions over plain data. The Dagster asset graph in ``assets``
and the code location in ``pipelines`` are thin wiring around it.
"""

__version__ = "0.1.0"
