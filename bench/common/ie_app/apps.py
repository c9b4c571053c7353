from django.apps import AppConfig


class IeAppConfig(AppConfig):
    name = "bench.common.ie_app"
    label = "bench_ie"
