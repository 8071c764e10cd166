/* dump-contract.c: prints what the portal serves, as JSON, for
 * check-contract.py: its routes and its error catalogue. */
#include <stdio.h>

#include "wc-api-error.h"
#include "wc-portal-server.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) routes = wc_portal_server_dup_routes ();
  g_autofree char *text = NULL;
  const WcApiErrorInfo *catalogue;
  guint n;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "routes");
  json_builder_begin_array (builder);
  for (guint i = 0; routes[i] != NULL; i++)
    json_builder_add_string_value (builder, routes[i]);
  json_builder_end_array (builder);

  catalogue = wc_api_error_catalogue (&n);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, catalogue[i].code);
      json_builder_set_member_name (builder, "http_status");
      json_builder_add_int_value (builder, catalogue[i].status);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, catalogue[i].message);
      json_builder_set_member_name (builder, "message_ja");
      json_builder_add_string_value (builder, catalogue[i].message_ja);
      json_builder_set_member_name (builder, "field");
      if (catalogue[i].field != NULL)
        json_builder_add_string_value (builder, catalogue[i].field);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  puts (text);
  return 0;
}
