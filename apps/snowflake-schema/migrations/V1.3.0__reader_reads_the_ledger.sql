-- The dashboards read with XO_READER (the pipeline-health page reads each database's load ledger), so the
-- reader also gets the read-only access role of XO_META. It never gets a write role.
{% from 'modules/xo_names.jinja' import client_databases %}
USE ROLE SECURITYADMIN;
{% for base in client_databases %}
GRANT ROLE {{ base ~ env_suffix }}_XO_META_RO TO ROLE XO_READER{{ env_suffix }};
{% endfor %}
