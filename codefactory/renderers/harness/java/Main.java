package cf;

public final class Main {
    private Main() {
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') b.append("\\\"");
            else if (c == '\\') b.append("\\\\");
            else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else b.append(c);
        }
        return b.append('"').toString();
    }

    // The JDK class a value's class stands for: itself, or the first JDK class above it when
    // every class in between declares no method (`new ArrayList<>() {{ add(x); }}`); else null.
    static Class<?> jdkClass(Class<?> c) {
        while (c != null && c.getClassLoader() != null) {
            if (c.getDeclaredMethods().length > 0) return null;
            c = c.getSuperclass();
        }
        return c;
    }

    // JDK collections whose iteration runs only JDK code (views and wrappers that delegate to
    // another collection, which could be the candidate's, are not among them).
    static String kind(Class<?> c) {
        if (c == null) return "";
        switch (c.getName()) {
            case "java.util.ArrayList": case "java.util.LinkedList": case "java.util.Vector":
            case "java.util.Stack": case "java.util.ArrayDeque": case "java.util.PriorityQueue":
            case "java.util.Arrays$ArrayList": case "java.util.ArrayList$SubList":
            case "java.util.Collections$EmptyList": case "java.util.Collections$SingletonList":
            case "java.util.Collections$CopiesList":
            case "java.util.ImmutableCollections$List12":
            case "java.util.ImmutableCollections$ListN":
            case "java.util.ImmutableCollections$SubList":
            case "java.util.concurrent.CopyOnWriteArrayList": case "java.util.HashMap$Values":
            case "java.util.LinkedHashMap$LinkedValues": case "java.util.TreeMap$Values":
                return "list";
            case "java.util.HashSet": case "java.util.LinkedHashSet": case "java.util.TreeSet":
            case "java.util.Collections$EmptySet": case "java.util.Collections$SingletonSet":
            case "java.util.ImmutableCollections$Set12": case "java.util.ImmutableCollections$SetN":
            case "java.util.HashMap$KeySet": case "java.util.LinkedHashMap$LinkedKeySet":
            case "java.util.TreeMap$KeySet":
                return "set";
            case "java.util.HashMap": case "java.util.LinkedHashMap": case "java.util.TreeMap":
            case "java.util.Hashtable": case "java.util.concurrent.ConcurrentHashMap":
            case "java.util.Collections$EmptyMap": case "java.util.Collections$SingletonMap":
            case "java.util.ImmutableCollections$Map1": case "java.util.ImmutableCollections$MapN":
                return "map";
            default:
                return "";
        }
    }

    static String enc(Object v) {
        if (v == null) return "null";
        Class<?> c = v.getClass();
        if (c == Boolean.class) return ((Boolean) v).booleanValue() ? "true" : "false";
        if (c == Long.class || c == Integer.class || c == Short.class || c == Byte.class) {
            return "{\"int\":\"" + ((Number) v).longValue() + "\"}";
        }
        if (c == java.math.BigInteger.class) return "{\"int\":\"" + v.toString() + "\"}";
        if (c == Double.class || c == Float.class) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) return "{\"float\":\"nan\"}";
            if (Double.isInfinite(d)) return d > 0 ? "{\"float\":\"inf\"}" : "{\"float\":\"-inf\"}";
            return "{\"float\":\"" + Double.toString(d) + "\"}";
        }
        if (c == Character.class) return str(String.valueOf(((Character) v).charValue()));
        if (c == String.class) return str((String) v);
        if (c == StringBuilder.class || c == StringBuffer.class) return str(v.toString());
        if (c.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                if (i > 0) b.append(',');
                b.append(enc(java.lang.reflect.Array.get(v, i)));
            }
            return b.append(']').toString();
        }
        switch (kind(jdkClass(c))) {
            case "list":
                return seq((java.util.Collection<?>) v);
            case "set":
                return "{\"set\":" + seq((java.util.Collection<?>) v) + "}";
            case "map": {
                StringBuilder b = new StringBuilder("{\"dict\":[");
                boolean first = true;
                for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) v).entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    b.append('[').append(enc(e.getKey())).append(',').append(enc(e.getValue()));
                    b.append(']');
                }
                return b.append("]}").toString();
            }
            default:
                return "{\"unsupported\":" + str(c.getName()) + "}";
        }
    }

    static String seq(java.util.Collection<?> items) {
        StringBuilder b = new StringBuilder("[");
        boolean first = true;
        for (Object x : items) {
            if (!first) b.append(',');
            first = false;
            b.append(enc(x));
        }
        return b.append(']').toString();
    }

    // An exception's text; a class of the candidate's is named, its toString() not called.
    static String why(Throwable e) {
        if (e.getClass().getClassLoader() != null) return e.getClass().getName();
        return String.valueOf(e);
    }

    static java.util.List<Object> list(Object... xs) {
        return new java.util.ArrayList<>(java.util.Arrays.asList(xs));
    }

    static java.util.Map<Object, Object> map(Object... kv) {
        java.util.Map<Object, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Object call(String name, Object... args) throws Throwable {
        for (String cls : new String[] {__CF_CLASSES__}) {
            Class<?> c;
            try {
                c = Class.forName("__CF_PACKAGE__." + cls);
            } catch (ClassNotFoundException e) {
                continue;
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (!m.getName().equals(name) || m.getParameterCount() != args.length) continue;
                m.setAccessible(true);
                Object self = null;
                if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    java.lang.reflect.Constructor<?> k = c.getDeclaredConstructor();
                    k.setAccessible(true);
                    self = k.newInstance();
                }
                try {
                    return m.invoke(self, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name + " with " + args.length + " parameters");
    }

    static void fail(String why) {
        try {
            new java.io.FileOutputStream(java.io.FileDescriptor.err)
                .write(("cf harness: " + why + "\n").getBytes());
        } catch (java.io.IOException e) {
            // the exit status says it
        }
        Runtime.getRuntime().halt(3);
    }

    static String target(java.nio.file.Path link) {
        try {
            return java.nio.file.Files.readSymbolicLink(link).toString();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    // One record line, `\n<marker> <nonce> <text>\n`, after checking that the descriptor still
    // names the file it did (closing it for a pipe to take its number changes the link). The
    // JVM stays dumpable (Java cannot change that), so the candidate could read this process's
    // memory through /proc/self/mem: the nonce is kept masked, and is plain only in a direct
    // buffer (which no JDK call copies) for the time of the write.
    static void write(java.nio.channels.FileChannel out, java.nio.file.Path link, String file,
            byte[] key, byte[] masked, String text) {
        if (!target(link).equals(file)) fail("the output descriptor was replaced");
        byte[] head = "\n__CF_MARKER__ ".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = (" " + text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(
            head.length + masked.length + body.length);
        b.put(head);
        for (int i = 0; i < masked.length; i++) b.put((byte) (masked[i] ^ key[i]));
        b.put(body).flip();
        try {
            while (b.hasRemaining()) out.write(b);
        } catch (java.io.IOException e) {
            fail("writing a record: " + e);
        } finally {
            for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) 0);
        }
    }

    public static void main(String[] argv) {
        // The run's nonce: stdin's first line, read before any candidate class is initialised
        // (it is in no file of the program), straight into a direct buffer.
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocateDirect(4096);
        try {
            java.nio.channels.FileChannel stdin =
                new java.io.FileInputStream(java.io.FileDescriptor.in).getChannel();
            while (in.hasRemaining() && stdin.read(in) > 0) {
                // until end of file
            }
        } catch (java.io.IOException e) {
            fail("reading the nonce: " + e);
        }
        int length = 0;
        while (length < in.position() && in.get(length) != '\n' && in.get(length) != '\r') {
            length++;
        }
        if (length == 0) fail("no run nonce on stdin");
        byte[] key = new byte[length];
        byte[] masked = new byte[length];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
        for (int i = 0; i < length; i++) masked[i] = (byte) (in.get(i) ^ key[i]);
        for (int i = 0; i < in.capacity(); i++) in.put(i, (byte) 0);
        // A descriptor of the harness's own for stdout (System.out and FileDescriptor.out are
        // the candidate's to replace), and its /proc link.
        java.nio.channels.FileChannel out = null;
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        String file = target(fds.resolve("1"));
        java.nio.file.Path link = null;
        try {
            out = new java.io.FileOutputStream("/proc/self/fd/1", true).getChannel();
            try (java.nio.file.DirectoryStream<java.nio.file.Path> all =
                    java.nio.file.Files.newDirectoryStream(fds)) {
                for (java.nio.file.Path fd : all) {
                    int number = Integer.parseInt(fd.getFileName().toString());
                    if (number > 2 && target(fd).equals(file)) {
                        if (link != null) fail("two descriptors for stdout");
                        link = fd;
                    }
                }
            }
        } catch (java.io.IOException e) {
            fail("cannot open stdout anew: " + e);
        }
        if (link == null || file.isEmpty()) fail("cannot find the output descriptor");
        int n = 0;
__CF_CALLS__
        write(out, link, file, key, masked, "DONE " + n);
        // Now: neither the candidate's threads nor its shutdown hooks get to run after DONE.
        Runtime.getRuntime().halt(0);
    }
}
