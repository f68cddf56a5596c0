#!/bin/bash
cat > index.html <<EOF2
<h1>Hello, World</h1>
<p>DB address: ${db_address}</p>
<p>DB port: ${db_port}</p>
EOF2
nohup busybox httpd -f -p "${server_port}" &
