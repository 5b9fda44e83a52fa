{#- SCD type 2: at most one current version (IS_CURRENT) per key. -#}
{% test xo_single_current_version(model, column_name) %}
select {{ column_name }}, count(*) as CURRENT_VERSIONS
from {{ model }}
where IS_CURRENT
group by {{ column_name }}
having count(*) > 1
{% endtest %}
