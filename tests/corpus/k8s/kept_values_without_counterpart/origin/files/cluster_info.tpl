apiVersion: v1
kind: ConfigMap
metadata:
  name: ${NAME}
  namespace: kube-system
data:
  securityGroup: "${SECURITY_GROUP_ID}"
