#!/bin/bash
cat <<EOT > /var/www/html/wp-config.php
<?php
define( 'DB_NAME',     '${db_name_rds}' );
define( 'DB_USER',     'admin' );
define( 'DB_PASSWORD', '${random_pwd}' );
define( 'DB_HOST',     '${endpoint_rds}' );
EOT
