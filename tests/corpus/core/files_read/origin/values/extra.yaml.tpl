controller:
  replicaCount: ${replicas}
