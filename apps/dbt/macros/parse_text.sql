{#- Text a person typed (a sheet cell) → boolean: TRUE/YES/Y/1 and FALSE/NO/N/0; anything else is NULL. -#}
{% macro xo_text_boolean(text) -%}
    case
        when upper(trim({{ text }})) in ('TRUE', 'YES', 'Y', '1') then true
        when upper(trim({{ text }})) in ('FALSE', 'NO', 'N', '0') then false
    end
{%- endmacro %}
