data "template_file" "app_payload" {
  template = file("${path.module}/templates/user_data.tpl")
}
