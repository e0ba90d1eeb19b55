# encoding: utf-8
require 'set'

module CodefactoryHarness
  def self.um(mod, name) = mod.instance_method(name).freeze

  EQUAL = um(BasicObject, :equal?)
  SEND = um(BasicObject, :__send__)
  KIND = um(Module, :===)
  CLASS_OF = um(Kernel, :class)
  MOD_NAME = um(Module, :name)
  IVAR_GET = um(Kernel, :instance_variable_get)
  INT_S = um(Integer, :to_s)
  INT_PLUS = um(Integer, :+)
  INT_LT = um(Integer, :<)
  INT_EQ = um(Integer, :==)
  FLOAT_S = um(Float, :to_s)
  FLOAT_NAN = um(Float, :nan?)
  FLOAT_INF = um(Float, :infinite?)
  SYM_S = um(Symbol, :to_s)
  STR_B = um(String, :b)
  STR_UPLUS = um(String, :+@)
  STR_FORCE = um(String, :force_encoding)
  STR_VALID = um(String, :valid_encoding?)
  STR_SCRUB = um(String, :scrub)
  STR_CPS = um(String, :codepoints)
  STR_APPEND = um(String, :<<)
  STR_BYTES = um(String, :bytesize)
  RE_MATCH = um(Regexp, :match?)
  ARY_SIZE = um(Array, :size)
  ARY_AT = um(Array, :at)
  ARY_PUSH = um(Array, :push)
  ARY_PACK = um(Array, :pack)
  HASH_KEYS = um(Hash, :keys)
  HASH_VALUES = um(Hash, :values)
  HASH_SET = um(Hash, :[]=)
  IO_SYSWRITE = um(IO, :syswrite)
  IO_FLUSH = um(IO, :flush)
  IO_STAT = um(IO, :stat)
  STAT_INO = um(File::Stat, :ino)
  STAT_DEV = um(File::Stat, :dev)
  KILL = Process.method(:kill).unbind.freeze
  INTEGER = Integer
  FLOAT = Float
  STRING = String
  SYMBOL = Symbol
  ARRAY = Array
  HASH = Hash
  SET = Set
  PROCESS = Process
  UTF8 = Encoding::UTF_8
  PLAIN = /\A[^"\\\x00-\x1f]*\z/
  PID = Process.pid
  MAIN = TOPLEVEL_BINDING.receiver
  STDOUT_IO = STDOUT
  OUT = IO.for_fd(1, autoclose: false).dup
  ERR = IO.for_fd(2, autoclose: false)
  OUT_INO = OUT.stat.ino
  OUT_DEV = OUT.stat.dev
  MARKER = "\n__CF_MARKER__ "
  CANDIDATE = '/work/candidate.rb'

  def self.deep_freeze(v)
    v.each { |x| deep_freeze(x) } if v.is_a?(Array)
    v.each { |k, x| deep_freeze(k) || deep_freeze(x) } if v.is_a?(Hash)
    v.freeze
    nil
  end

  # A fresh, mutable copy of one case's frozen arguments for each call.
  def self.copy(v)
    if KIND.bind_call(STRING, v)
      STR_UPLUS.bind_call(v)
    elsif KIND.bind_call(ARRAY, v)
      out = []
      i = 0
      n = ARY_SIZE.bind_call(v)
      while INT_LT.bind_call(i, n)
        ARY_PUSH.bind_call(out, copy(ARY_AT.bind_call(v, i)))
        i = INT_PLUS.bind_call(i, 1)
      end
      out
    elsif KIND.bind_call(HASH, v)
      out = {}
      keys = HASH_KEYS.bind_call(v)
      values = HASH_VALUES.bind_call(v)
      i = 0
      n = ARY_SIZE.bind_call(keys)
      while INT_LT.bind_call(i, n)
        HASH_SET.bind_call(out, copy(ARY_AT.bind_call(keys, i)), copy(ARY_AT.bind_call(values, i)))
        i = INT_PLUS.bind_call(i, 1)
      end
      out
    else
      v
    end
  end

  def self.put(buf, text) = STR_APPEND.bind_call(buf, text)

  def self.enc_string(buf, v)
    text = STR_FORCE.bind_call(STR_B.bind_call(v), UTF8)
    unless STR_VALID.bind_call(text)
      put(buf, '{"bytes":"')
      put(buf, ARY_PACK.bind_call([STR_B.bind_call(v)], 'm0'))
      return put(buf, '"}')
    end
    put(buf, '"')
    if RE_MATCH.bind_call(PLAIN, text)
      put(buf, text)
    else
      codes = STR_CPS.bind_call(text)
      i = 0
      n = ARY_SIZE.bind_call(codes)
      while INT_LT.bind_call(i, n)
        c = ARY_AT.bind_call(codes, i)
        if INT_EQ.bind_call(c, 34)
          put(buf, '\\"')
        elsif INT_EQ.bind_call(c, 92)
          put(buf, '\\\\')
        elsif INT_LT.bind_call(c, 32)
          put(buf, INT_LT.bind_call(c, 16) ? '\\u000' : '\\u00')
          put(buf, INT_S.bind_call(c, 16))
        else
          put(buf, c)
        end
        i = INT_PLUS.bind_call(i, 1)
      end
    end
    put(buf, '"')
  end

  def self.enc_items(buf, items)
    i = 0
    n = ARY_SIZE.bind_call(items)
    while INT_LT.bind_call(i, n)
      put(buf, ',') if INT_LT.bind_call(0, i)
      enc(buf, ARY_AT.bind_call(items, i))
      i = INT_PLUS.bind_call(i, 1)
    end
  end

  # Brand checks and reads through the captured C methods only: the value's own to_s, inspect,
  # class, is_a?, ==, each or to_json never run.
  def self.enc(buf, v)
    if EQUAL.bind_call(v, nil)
      put(buf, 'null')
    elsif EQUAL.bind_call(v, true)
      put(buf, 'true')
    elsif EQUAL.bind_call(v, false)
      put(buf, 'false')
    elsif KIND.bind_call(INTEGER, v)
      put(buf, '{"int":"')
      put(buf, INT_S.bind_call(v))
      put(buf, '"}')
    elsif KIND.bind_call(FLOAT, v)
      if FLOAT_NAN.bind_call(v)
        put(buf, '{"float":"nan"}')
      elsif (sign = FLOAT_INF.bind_call(v))
        put(buf, EQUAL.bind_call(sign, 1) ? '{"float":"inf"}' : '{"float":"-inf"}')
      else
        put(buf, '{"float":"')
        put(buf, FLOAT_S.bind_call(v))
        put(buf, '"}')
      end
    elsif KIND.bind_call(STRING, v)
      enc_string(buf, v)
    elsif KIND.bind_call(SYMBOL, v)
      enc_string(buf, SYM_S.bind_call(v))
    elsif KIND.bind_call(ARRAY, v)
      put(buf, '[')
      enc_items(buf, v)
      put(buf, ']')
    elsif KIND.bind_call(HASH, v)
      keys = HASH_KEYS.bind_call(v)
      values = HASH_VALUES.bind_call(v)
      put(buf, '{"dict":[')
      i = 0
      n = ARY_SIZE.bind_call(keys)
      while INT_LT.bind_call(i, n)
        put(buf, ',') if INT_LT.bind_call(0, i)
        put(buf, '[')
        enc(buf, ARY_AT.bind_call(keys, i))
        put(buf, ',')
        enc(buf, ARY_AT.bind_call(values, i))
        put(buf, ']')
        i = INT_PLUS.bind_call(i, 1)
      end
      put(buf, ']}')
    elsif KIND.bind_call(SET, v) && KIND.bind_call(HASH, (members = IVAR_GET.bind_call(v, :@hash)))
      put(buf, '{"set":[')
      enc_items(buf, HASH_KEYS.bind_call(members))
      put(buf, ']}')
    else
      put(buf, '{"unsupported":')
      name = MOD_NAME.bind_call(CLASS_OF.bind_call(v))
      enc_string(buf, KIND.bind_call(STRING, name) ? name : 'anonymous class')
      put(buf, '}')
    end
  end

  def self.abort!(why)
    text = ''
    put(text, "\ncodefactory harness: ")
    put(text, why)
    put(text, "\n")
    IO_SYSWRITE.bind_call(ERR, text)
    KILL.bind_call(PROCESS, :KILL, PID)
    while true
    end
  end

  def self.emit(prefix, text)
    stat = IO_STAT.bind_call(OUT)
    unless INT_EQ.bind_call(STAT_INO.bind_call(stat), OUT_INO) &&
           INT_EQ.bind_call(STAT_DEV.bind_call(stat), OUT_DEV)
      abort!('the output descriptor was re-pointed')
    end
    begin
      IO_FLUSH.bind_call(STDOUT_IO)  # the candidate's own buffered prints come first
    rescue Exception
      nil
    end
    line = ''
    put(line, prefix)
    put(line, text)
    put(line, "\n")
    written = IO_SYSWRITE.bind_call(OUT, line)
    abort!('short write') unless INT_EQ.bind_call(written, STR_BYTES.bind_call(line))
  end

  def self.why(error)
    text = ''
    begin
      name = MOD_NAME.bind_call(CLASS_OF.bind_call(error))
      put(text, KIND.bind_call(STRING, name) ? name : 'Exception')
      # The exception's own message (an error record fails whatever it says).
      message = SEND.bind_call(error, :message)
      if KIND.bind_call(STRING, message)
        put(text, ': ')
        put(text, STR_SCRUB.bind_call(STR_FORCE.bind_call(STR_B.bind_call(message), UTF8)))
      end
    rescue Exception
      nil
    end
    text
  end

  def self.record(id, entry, args)
    line = ''
    done = false
    begin
      value = SEND.bind_call(MAIN, entry, *copy(args))
      put(line, '{"id":')
      put(line, INT_S.bind_call(id))
      put(line, ',"ok":true,"value":')
      enc(line, value)
      put(line, '}')
      done = true
    rescue Exception => e
      line = ''
      put(line, '{"id":')
      put(line, INT_S.bind_call(id))
      put(line, ',"ok":false,"error":')
      enc_string(line, why(e))
      put(line, '}')
      done = true
    ensure
      abort!('the candidate escaped a call') unless done  # e.g. a redefined Exception.===
    end
    line
  end

  def self.run(cases, entry)
    # The run's nonce: one line on stdin, read before the candidate exists and kept in this
    # frame (the candidate can read the program's files; the nonce is in none of them).
    nonce = STDIN.gets.to_s.chomp
    abort!('no run nonce on stdin') unless nonce.match?(/\A\h+\z/)
    prefix = (MARKER + nonce + ' ').freeze
    deep_freeze(cases)
    [[Kernel, %i[exit! exec syscall trap set_trace_func]], [Process, %i[exit! exec daemon]],
     [Signal, %i[trap]],
     [ObjectSpace, %i[define_finalizer each_object _id2ref]]].each do |mod, names|
      names.each do |name|
        [mod, mod.singleton_class].each do |owner|
          defined = owner.method_defined?(name) || owner.private_method_defined?(name)
          owner.send(:undef_method, name) if defined
        end
      end
    end
    [[Thread, %i[new start fork]], [TracePoint, %i[new trace]], [Ractor, %i[new]],
     [RubyVM::InstructionSequence, %i[load_from_binary]]].each do |mod, names|
      names.each { |name| mod.singleton_class.send(:undef_method, name) }
    end
    Thread.send(:undef_method, :set_trace_func)
    Thread.send(:undef_method, :add_trace_func)
    UnboundMethod.freeze
    ObjectSpace.freeze  # so that no extension (objspace's dump_all) can add a way to the heap
    freeze
    loaded = false
    begin
      load(CANDIDATE)
      loaded = true
    rescue Exception => e
      text = why(e)
      put(text, "\n")
      IO_SYSWRITE.bind_call(ERR, text)
    ensure
      abort!('the candidate did not load') unless loaded
    end
    finished = false
    begin
      i = 0
      n = ARY_SIZE.bind_call(cases)
      while INT_LT.bind_call(i, n)
        row = ARY_AT.bind_call(cases, i)
        emit(prefix, record(ARY_AT.bind_call(row, 0), entry, ARY_AT.bind_call(row, 1)))
        i = INT_PLUS.bind_call(i, 1)
      end
      done = 'DONE '
      put(done, INT_S.bind_call(n))
      emit(prefix, done)
      finished = true
    ensure
      abort!('the harness was interrupted') unless finished
    end
  end
end

CodefactoryHarness.run(__CF_CASES__, __CF_ENTRY__)
