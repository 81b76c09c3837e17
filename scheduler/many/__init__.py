"""Many authorities at once: ``scheduler plan-many``.

- :mod:`~scheduler.many.jobs`: one authority (under one what-if) as a self-contained job: its
  data in as bytes, its plan folder and summary row out; no Ray, so it runs anywhere.
- :mod:`~scheduler.many.summary`: the summary table (national metric forecast, funded children
  seen, capacity shortfall) as CSV and workbook.
- :mod:`~scheduler.many.output`: the output folder: plan folders swapped in whole.
- :mod:`~scheduler.many.cluster`: the only module that imports Ray: jobs and stage-2 pieces as
  Ray tasks, on a local instance or a cluster. It is imported only by ``plan-many``, so
  ``scheduler plan`` works without Ray installed.
"""
