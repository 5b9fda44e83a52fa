{#- No two rows share the values of `columns` (a natural key of several columns). -#}
{% test xo_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as ROW_COUNT
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
