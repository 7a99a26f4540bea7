"""The ecommerce_book project: settings and URLs that assemble the Coleman apps into a store."""
