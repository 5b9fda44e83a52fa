"""Google Sheets: one A1 range of a spreadsheet."""
