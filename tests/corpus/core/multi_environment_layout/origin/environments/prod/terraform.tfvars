db_instance_class = "db.t3.medium"
