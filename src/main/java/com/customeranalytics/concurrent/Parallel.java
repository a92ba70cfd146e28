package com.customeranalytics.concurrent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent Spark work side by side from the driver (model fits, KMeans sweeps, table
 * writes): each is mostly a chain of small jobs, or a Delta commit that is mostly driver time,
 * and leaves a core idle between them. Results come back in task order (not finishing order), so
 * callers stay deterministic, and every task is waited for: nothing still runs once a call
 * returns or throws.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * Runs {@code tasks} on at most {@code threads} threads; the first failure (in task order) is
   * rethrown naming {@code what}.
   */
  public static <T> List<T> all(int threads, List<Callable<T>> tasks, String what) {
    try {
      return run(threads, tasks);
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs independent writes, all at once; the first failure (in task order) is rethrown as it
   * is, the same exception a sequential run would give.
   */
  public static <T> List<T> each(List<Callable<T>> tasks) {
    return run(tasks.size(), tasks);
  }

  /** As {@link #each(List)}, keyed: the results under the tasks' keys, in the map's order. */
  public static <K, T> Map<K, T> each(Map<K, Callable<T>> tasks) {
    List<T> results = each(new ArrayList<>(tasks.values()));
    Map<K, T> out = new LinkedHashMap<>();
    int i = 0;
    for (K k : tasks.keySet()) {
      out.put(k, results.get(i++));
    }
    return out;
  }

  private static <T> List<T> run(int threads, List<Callable<T>> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      List<T> out = new ArrayList<>();
      Throwable first = null;
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        }
      }
      if (first instanceof RuntimeException) {
        throw (RuntimeException) first;
      }
      if (first instanceof Error) {
        throw (Error) first;
      }
      if (first != null) { // a checked exception thrown undeclared by Scala code
        throw new IllegalStateException(first.getMessage(), first);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdown();
    }
  }
}
