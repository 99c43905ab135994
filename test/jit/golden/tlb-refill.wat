(module
 (type $0 (func (param i32 i32 i32 i32) (result i32)))
 (import "env" "mem" (memory $mimport$0 32 65536))
 (export "refill" (func $0))
 (func $0 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (block $block
   (local.set $4
    (i32.load
     (i32.add
      (i32.add
       (i32.add
        (local.get $1)
        (i32.const 20480)
       )
       (i32.shl
        (local.get $2)
        (i32.const 12)
       )
      )
      (i32.shl
       (i32.shr_u
        (local.get $0)
        (i32.const 22)
       )
       (i32.const 2)
      )
     )
    )
   )
   (br_if $block
    (i32.eqz
     (local.get $4)
    )
   )
   (local.set $4
    (i32.load
     (i32.add
      (local.get $4)
      (i32.shl
       (i32.and
        (i32.shr_u
         (local.get $0)
         (i32.const 12)
        )
        (i32.const 1023)
       )
       (i32.const 2)
      )
     )
    )
   )
   (br_if $block
    (i32.eqz
     (i32.and
      (local.get $4)
      (i32.const 1)
     )
    )
   )
   (local.set $5
    (select
     (i32.const 16)
     (i32.const 0)
     (i32.and
      (local.get $4)
      (i32.const 4)
     )
    )
   )
   (if
    (i32.eq
     (local.get $3)
     (i32.const 1)
    )
    (then
     (if
      (i32.and
       (local.get $4)
       (i32.const 2)
      )
      (then
       (local.set $5
        (i32.or
         (local.get $5)
         (i32.const 32)
        )
       )
      )
     )
     (if
      (i32.load8_u offset=2097152
       (i32.shr_u
        (local.get $4)
        (i32.const 12)
       )
      )
      (then
       (local.set $5
        (i32.or
         (local.get $5)
         (i32.const 64)
        )
       )
      )
     )
    )
   )
   (local.set $7
    (i32.add
     (i32.mul
      (local.get $2)
      (i32.const 3)
     )
     (local.get $3)
    )
   )
   (local.set $6
    (i32.add
     (local.get $1)
     (i32.shl
      (i32.add
       (i32.mul
        (local.get $7)
        (i32.const 256)
       )
       (i32.and
        (i32.shr_u
         (local.get $0)
         (i32.const 12)
        )
        (i32.const 255)
       )
      )
      (i32.const 2)
     )
    )
   )
   (i32.store offset=2048
    (local.get $6)
    (i32.or
     (i32.and
      (local.get $0)
      (i32.const -4096)
     )
     (local.get $5)
    )
   )
   (i32.store offset=11264
    (local.get $6)
    (i32.sub
     (i32.and
      (local.get $4)
      (i32.const -4096)
     )
     (i32.and
      (local.get $0)
      (i32.const -4096)
     )
    )
   )
   (i32.store offset=160
    (local.get $1)
    (i32.add
     (i32.load offset=160
      (local.get $1)
     )
     (i32.const 1)
    )
   )
   (return
    (i32.const 1)
   )
  )
  (return
   (i32.const 0)
  )
  (unreachable)
 )
)
