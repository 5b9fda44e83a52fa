{#-
  Every non-blank value of the typed `columns` (column → SILVER type) of the BRONZE table converts: one failing
  row per cell that does not, naming its file, row, column and value (the transform shows the first rows).
  Reads BRONZE, which holds the load the model was just built from.
-#}
{% test xo_casts_cleanly(model, source_name, table_name, columns) %}
{% for column, type in columns.items() %}
select
    _XO_SOURCE_FILE,
    _XO_FILE_ROW_NUMBER,
    '{{ column }}' as XO_COLUMN,
    '{{ type }}' as XO_TYPE,
    {{ column }} as XO_VALUE
from {{ source(source_name, table_name) }}
where trim({{ column }}) <> '' and {{ xo_typed(column, type) }} is null
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
