{
  "targets": [
    {
      "target_name": "wirelab_probe",
      "sources": ["probe.c", "trace.c", "netns.c", "malloc.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"]
    },
    {
      "target_name": "wirelab_capture",
      "sources": ["capture.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "libraries": ["-lpcap", "-lpthread"]
    }
  ]
}
