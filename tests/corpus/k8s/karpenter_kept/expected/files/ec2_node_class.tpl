apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: ${NAME}
spec:
  amiFamily: AL2023
  securityGroupSelectorTerms:
    - id: ${SECURITY_GROUP_ID}
