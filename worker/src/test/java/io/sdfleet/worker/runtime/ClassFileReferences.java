package io.sdfleet.worker.runtime;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The members one compiled class calls in other classes, read from its constant pool (JVMS 4.4: the
 * Fieldref, Methodref and InterfaceMethodref entries and the Class entries), and a check that each of them
 * exists with the same descriptor in the classes a class loader has. That is what the JVM links at run time:
 * a member missing there is a NoSuchMethodError or NoSuchFieldError on first call, so a library built against
 * one version of another library can be checked against the version on the class path without running it.
 *
 * <p>Test helper; pure Java, no bytecode library.
 */
final class ClassFileReferences {
    /** One symbolic reference: owner class (internal name, a/b/C), member name and descriptor; a class alone has null. */
    record Ref(String owner, String name, String descriptor) {
        boolean isClass() {
            return name == null;
        }

        boolean isField() {
            return descriptor != null && !descriptor.startsWith("(");
        }

        @Override
        public String toString() {
            return isClass() ? owner : owner + "." + name + ":" + descriptor;
        }
    }

    private ClassFileReferences() {
    }

    /** Every Class, Fieldref, Methodref and InterfaceMethodref of a class file whose owner starts with the prefix. */
    static Set<Ref> references(byte[] classFile, String ownerPrefix) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        int[] tags = new int[count];
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // eight-byte constants take two slots
                }
                case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag + " at " + i);
            }
        }
        Set<Ref> refs = new LinkedHashSet<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == 7) {
                String owner = utf8[first[i]];
                if (owner.startsWith(ownerPrefix)) {
                    refs.add(new Ref(owner, null, null));
                }
            } else if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
                String owner = utf8[first[first[i]]];
                int nameAndType = second[i];
                if (owner.startsWith(ownerPrefix)) {
                    refs.add(new Ref(owner, utf8[first[nameAndType]], utf8[second[nameAndType]]));
                }
            }
        }
        return refs;
    }

    /** The references that do not resolve in the loader's classes, each with the reason. */
    static List<String> unresolved(Set<Ref> refs, ClassLoader loader) {
        List<String> missing = new ArrayList<>();
        for (Ref ref : refs) {
            Class<?> owner;
            try {
                owner = Class.forName(ref.owner().replace('/', '.'), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(ref + ": class " + ref.owner() + " not found");
                continue;
            }
            if (!ref.isClass() && !resolves(owner, ref)) {
                missing.add(ref + ": no such " + (ref.isField() ? "field" : "method") + " in " + owner.getName()
                        + " or its supertypes");
            }
        }
        return missing;
    }

    private static boolean resolves(Class<?> owner, Ref ref) {
        if (ref.name().equals("<init>")) {
            for (Constructor<?> c : owner.getDeclaredConstructors()) {
                if (descriptor(c.getParameterTypes(), void.class).equals(ref.descriptor())) {
                    return true;
                }
            }
            return false;
        }
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(owner));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            if (ref.isField()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(ref.name()) && type(f.getType()).equals(ref.descriptor())) {
                        return true;
                    }
                }
            } else {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals(ref.name())
                            && descriptor(m.getParameterTypes(), m.getReturnType()).equals(ref.descriptor())) {
                        return true;
                    }
                }
            }
            if (c.getSuperclass() != null) {
                todo.push(c.getSuperclass());
            }
            todo.addAll(List.of(c.getInterfaces()));
        }
        return false;
    }

    static String descriptor(Class<?>[] parameters, Class<?> result) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : parameters) {
            d.append(type(p));
        }
        return d.append(')').append(type(result)).toString();
    }

    static String type(Class<?> c) {
        if (c.isArray()) {
            return c.getName().replace('.', '/');
        }
        if (c.isPrimitive()) {
            return switch (c.getName()) {
                case "void" -> "V";
                case "boolean" -> "Z";
                case "byte" -> "B";
                case "char" -> "C";
                case "short" -> "S";
                case "int" -> "I";
                case "long" -> "J";
                case "float" -> "F";
                case "double" -> "D";
                default -> throw new IllegalArgumentException(c.getName());
            };
        }
        return "L" + c.getName().replace('.', '/') + ";";
    }
}
