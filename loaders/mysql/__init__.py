"""The shop's MySQL database: users, orders, order lines, products, cities."""
