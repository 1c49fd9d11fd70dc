"""Reports and dashboards: metrics from ticket events, daily rollups, charts and exports."""

#: Hook API versions this plugin supports (docs/compatibility.md).
helpline_api = ">=1.0,<2"
