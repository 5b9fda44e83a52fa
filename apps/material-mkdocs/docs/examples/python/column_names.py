"""How staging names the warehouse columns: the header's names, standardized to UPPERCASE identifiers."""

from xo_core.identifiers import standardize_column_name

for original in ["Contact ID", "Created-to-First Closed Time in seconds", "from.guid", "firstName", "Équipe", "2nd"]:
    print(f"{original!r:45} → {standardize_column_name(original)}")

assert standardize_column_name("Contact ID") == "CONTACT_ID"
assert standardize_column_name("firstName") == "FIRST_NAME"
assert standardize_column_name("2nd") == "_2ND"
