output "kafka_brokers" {
  value = null
}
