"""Staff reports (book ch. 7): sales and inventory figures, ReportLab charts, PDF and CSV."""
